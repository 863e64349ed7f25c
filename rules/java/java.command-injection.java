import java.io.*;
import java.util.*;


class Archiver {
    void archive(String name) throws IOException {
        Runtime.getRuntime().exec("tar czf /tmp/" + name + ".tgz uploads"); // expect: java.command-injection
        new ProcessBuilder("sh", "-c", "ping -c 1 " + name).start(); // expect: java.command-injection
        new ProcessBuilder("tar", "czf", "/tmp/out.tgz", name).start(); // ok: java.command-injection
        Runtime.getRuntime().exec("uptime"); // ok: java.command-injection
    }
}
