import java.sql.*;
import java.util.*;
import javax.servlet.http.*;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.*;

class Accounts extends HttpServlet {
    private Connection connection;
    private JdbcTemplate jdbc;
    private String lastName;

    void directVulnerable(HttpServletRequest request) throws SQLException {
        Statement st = connection.createStatement();
        st.executeQuery("SELECT * FROM accounts WHERE id = '" + request.getParameter("id") + "'"); // expect: java.sql-injection
    }

    void directSafe(HttpServletRequest request) throws SQLException {
        PreparedStatement ps = connection.prepareStatement("SELECT * FROM accounts WHERE id = ?"); // ok: java.sql-injection
        ps.setString(1, request.getParameter("id"));
        ps.executeQuery();
    }

    void overwrittenVulnerable(HttpServletRequest request) throws SQLException {
        String name = request.getHeader("X-User");
        String sql = String.format("DELETE FROM sessions WHERE owner = '%s'", name);
        connection.createStatement().executeUpdate(sql); // expect: java.sql-injection
    }

    void overwrittenSafe(HttpServletRequest request) throws SQLException {
        String name = request.getHeader("X-User");
        name = "guest";
        String sql = String.format("DELETE FROM sessions WHERE owner = '%s'", name);
        connection.createStatement().executeUpdate(sql); // ok: java.sql-injection
    }

    void mapVulnerable(HttpServletRequest request) {
        Map<String, String> slots = new HashMap<>();
        slots.put("fixed", "name");
        slots.put("chosen", request.getParameter("order"));
        jdbc.queryForList("SELECT * FROM accounts ORDER BY " + slots.get("chosen")); // expect: java.sql-injection
    }

    void mapSafe(HttpServletRequest request) {
        Map<String, String> slots = new HashMap<>();
        slots.put("fixed", "name");
        slots.put("chosen", request.getParameter("order"));
        jdbc.queryForList("SELECT * FROM accounts ORDER BY " + slots.get("fixed")); // ok: java.sql-injection
    }

    String quoted(String value) { return "'" + value + "'"; }
    String column(String value) { return "created_at"; }

    @GetMapping("/accounts")
    List<Map<String, Object>> helperVulnerable(@RequestParam("sort") String sort) {
        return jdbc.queryForList("SELECT * FROM accounts ORDER BY " + quoted(sort)); // expect: java.sql-injection
    }

    @GetMapping("/accounts/sorted")
    List<Map<String, Object>> helperSafe(@RequestParam("sort") String sort) {
        return jdbc.queryForList("SELECT * FROM accounts ORDER BY " + column(sort)); // ok: java.sql-injection
    }

    void builderVulnerable(HttpServletRequest request) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE accounts SET note = '");
        sql.append(request.getParameter("note")).append("' WHERE id = 1");
        connection.createStatement().execute(sql.toString()); // expect: java.sql-injection
    }

    void builderSafe(HttpServletRequest request) throws SQLException {
        StringBuilder sql = new StringBuilder("UPDATE accounts SET note = ? WHERE id = 1");
        PreparedStatement ps = connection.prepareStatement(sql.toString()); // ok: java.sql-injection
        ps.setString(1, request.getParameter("note"));
        ps.execute();
    }

    void branchVulnerable(HttpServletRequest request) throws SQLException {
        String value = request.getParameter("v");
        int limit = 106;
        String bar = (7 * 42) - limit > 200 ? "fixed" : value;
        connection.createStatement().executeQuery("SELECT * FROM t WHERE v = '" + bar + "'"); // expect: java.sql-injection
    }

    void branchSafe(HttpServletRequest request) throws SQLException {
        String value = request.getParameter("v");
        int limit = 86;
        String bar = (7 * 42) - limit > 200 ? "fixed" : value;
        connection.createStatement().executeQuery("SELECT * FROM t WHERE v = '" + bar + "'"); // ok: java.sql-injection
    }

    void fieldStore(HttpServletRequest request) {
        lastName = request.getParameter("last");
    }

    void fieldVulnerable() throws SQLException {
        connection.createStatement().executeQuery("SELECT * FROM t WHERE last = '" + lastName + "'"); // expect: java.sql-injection
    }

    void castVulnerable(HttpServletRequest request) throws SQLException {
        String id = request.getParameter("id");
        connection.createStatement().executeQuery("SELECT * FROM t WHERE id = " + id); // expect: java.sql-injection
    }

    void castSafe(HttpServletRequest request) throws SQLException {
        long id = Long.parseLong(request.getParameter("id"));
        connection.createStatement().executeQuery("SELECT * FROM t WHERE id = " + id); // ok: java.sql-injection
    }
}
