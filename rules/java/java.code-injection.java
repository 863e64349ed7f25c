import java.util.*;
import javax.script.*;
import javax.servlet.http.*;
import org.springframework.expression.*;
import org.springframework.expression.spel.standard.SpelExpressionParser;
import org.springframework.expression.spel.support.StandardEvaluationContext;
import org.springframework.web.bind.annotation.*;

class Calculator extends HttpServlet {
    private final ScriptEngine engine = new ScriptEngineManager().getEngineByName("javascript");
    private final ExpressionParser parser = new SpelExpressionParser();
    private static final Set<String> FORMULAS = Set.of("price * 2", "price + tax");
    private String formula;

    Object scriptVulnerable(HttpServletRequest request) throws ScriptException {
        return engine.eval("var total = " + request.getParameter("expr") + ";"); // expect: java.code-injection
    }

    Object scriptSafe(HttpServletRequest request) throws ScriptException {
        Bindings bindings = engine.createBindings();
        bindings.put("input", request.getParameter("expr"));
        return engine.eval("var total = input.length;", bindings); // ok: java.code-injection
    }

    @GetMapping("/calc")
    Object spelVulnerable(@RequestParam("q") String q) {
        String expression = "price * " + q;
        return parser.parseExpression(expression).getValue(); // expect: java.code-injection
    }

    @GetMapping("/calc/fixed")
    Object spelSafe(@RequestParam("q") String q) {
        StandardEvaluationContext context = new StandardEvaluationContext();
        context.setVariable("q", q);
        String expression = "#q + ' items'";
        return parser.parseExpression(expression).getValue(context); // ok: java.code-injection
    }

    Object allowVulnerable(HttpServletRequest request) {
        String chosen = request.getParameter("formula");
        return parser.parseExpression(chosen).getValue(); // expect: java.code-injection
    }

    Object allowSafe(HttpServletRequest request) {
        String chosen = request.getParameter("formula");
        if (FORMULAS.contains(chosen)) {
            return parser.parseExpression(chosen).getValue(); // ok: java.code-injection
        }
        return null;
    }

    String template(String body) { return "function run() { return " + body + "; }"; }
    String emptyTemplate(String body) { return "function run() { return 0; }"; }

    Object helperVulnerable(HttpServletRequest request) throws ScriptException {
        return engine.eval(template(request.getHeader("X-Rule"))); // expect: java.code-injection
    }

    Object helperSafe(HttpServletRequest request) throws ScriptException {
        return engine.eval(emptyTemplate(request.getHeader("X-Rule"))); // ok: java.code-injection
    }

    void store(HttpServletRequest request) {
        formula = request.getParameter("formula");
    }

    Object fieldVulnerable() throws ScriptException {
        return engine.eval(formula); // expect: java.code-injection
    }

    Object groovyVulnerable(HttpServletRequest request) {
        groovy.lang.GroovyShell shell = new groovy.lang.GroovyShell();
        StringBuilder script = new StringBuilder("println ");
        script.append(request.getParameter("msg"));
        return shell.evaluate(script.toString()); // expect: java.code-injection
    }

    Object groovySafe(HttpServletRequest request) {
        groovy.lang.GroovyShell shell = new groovy.lang.GroovyShell();
        String msg = request.getParameter("msg");
        StringBuilder script = new StringBuilder("println ");
        script.append(msg.length());
        return shell.evaluate(script.toString()); // ok: java.code-injection
    }
}
