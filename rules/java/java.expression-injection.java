import java.io.*;
import java.util.*;


class Rules {
    Object evaluate(String userExpression) {
        var parser = new org.springframework.expression.spel.standard.SpelExpressionParser();
        var dynamic = parser.parseExpression(userExpression).getValue(); // expect: java.expression-injection
        var fixed = parser.parseExpression("amount > 100"); // ok: java.expression-injection
        return List.of(dynamic, fixed);
    }
}
