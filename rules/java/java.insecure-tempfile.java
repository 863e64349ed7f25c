import java.io.*;
import java.util.*;


class Export {
    void write() throws IOException {
        File tmp = File.createTempFile("export", ".csv"); // expect: java.insecure-tempfile
        var safe = java.nio.file.Files.createTempFile("export", ".csv"); // ok: java.insecure-tempfile
    }
}
