import java.io.*;
import java.util.*;


class Worker {
    void run(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) { // expect: java.catch-throwable
            throw new IllegalStateException(t);
        }
        try {
            task.run();
        } catch (IllegalArgumentException e) { // ok: java.catch-throwable
            throw e;
        }
    }
}
