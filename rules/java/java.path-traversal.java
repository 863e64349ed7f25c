import java.io.*;
import java.util.*;


class Download {
    void get(javax.servlet.http.HttpServletRequest request) throws IOException {
        File file = new File("/srv/uploads/" + request.getParameter("name")); // expect: java.path-traversal
        byte[] data = java.nio.file.Files.readAllBytes(java.nio.file.Paths.get("/srv", request.getParameter("f"))); // expect: java.path-traversal
        File fixed = new File("/srv/uploads/index.txt"); // ok: java.path-traversal
        String name = request.getParameter("doc");
        FileInputStream in = new FileInputStream(new File("/srv/docs", name)); // expect: java.path-traversal
    }
}
