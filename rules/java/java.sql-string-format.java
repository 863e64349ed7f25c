import java.io.*;
import java.util.*;


class Orders {
    String query(String customer, String status) {
        String a = String.format("SELECT id FROM orders WHERE customer = '%s'", customer); // expect: java.sql-string-format
        String b = "UPDATE orders SET status = '%s' WHERE id = 1".formatted(status); // expect: java.sql-string-format
        String c = String.format("Selected %d orders from the list", 3); // ok: java.sql-string-format
        return a + b + c;
    }
}
