import java.io.*;
import java.util.*;


class Loader {
    void load(String path) {
        try {
            new FileInputStream(path).close();
        } catch (IOException e) {} // expect: java.empty-catch
        try {
            Thread.sleep(10);
        } catch (InterruptedException ignored) {} // ok: java.empty-catch
        try {
            new FileInputStream(path).close();
        } catch (IOException e) { // ok: java.empty-catch
            throw new UncheckedIOException(e);
        }
    }
}
