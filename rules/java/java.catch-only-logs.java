import java.io.*;
import java.util.*;


class Payments {
    void charge(Runnable capture, org.slf4j.Logger log) {
        try {
            capture.run();
        } catch (RuntimeException e) { // expect: java.catch-only-logs
            e.printStackTrace();
        }
        try {
            capture.run();
        } catch (IllegalStateException e) { // expect: java.catch-only-logs
            log.error("capture failed", e);
        }
        try {
            capture.run();
        } catch (IllegalArgumentException e) { // ok: java.catch-only-logs
            log.error("capture failed", e);
            throw e;
        }
    }
}
