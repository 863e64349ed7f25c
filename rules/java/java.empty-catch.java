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

class Fallbacks {
    int port(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException notANumber) { } // ok: java.empty-catch
        return 8080;
    }

    String name(java.util.function.Supplier<String> source) {
        try {
            return source.get();
        } catch (Exception anything) { } // expect: java.empty-catch
        return "";
    }

    void write(java.io.Writer out, String text) throws java.io.IOException {
        try {
            out.write(text);
        } finally {
            try {
                out.close();
            } catch (IOException closing) { } // ok: java.empty-catch
        }
    }
}
