import java.io.*;
import java.util.*;


class UserDao {
    java.sql.Connection connection;

    List<String> find(String name) throws Exception {
        var statement = connection.createStatement();
        statement.executeQuery("SELECT * FROM users WHERE name = '" + name + "'"); // expect: java.sql-string-concat
        String sql = "DELETE FROM sessions WHERE user_id = " + name; // expect: java.sql-string-concat
        var prepared = connection.prepareStatement("SELECT * FROM users WHERE name = ?"); // ok: java.sql-string-concat
        String label = "Select an account from " + name; // ok: java.sql-string-concat
        return List.of(sql, label, prepared.toString());
    }
}
