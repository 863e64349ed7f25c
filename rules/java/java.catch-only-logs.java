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

    void refund(Runnable reverse, org.slf4j.Logger log) {
        try {
            reverse.run();
        } catch (Throwable t) { // ok: java.catch-only-logs
            // java.catch-throwable reports this one: a catch is reported once
            log.error("refund failed", t);
        }
    }
}
