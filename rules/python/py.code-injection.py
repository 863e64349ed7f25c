import ast


def calculate(request):
    expression = request.form["expr"]
    result = eval(expression)  # expect: py.code-injection
    exec(f"value = {expression}")  # expect: py.code-injection
    exec(compile(source, "<string>", "exec"))  # expect: py.code-injection
    safe = ast.literal_eval(expression)  # ok: py.code-injection
    constant = eval("1 + 2")  # ok: py.code-injection
    return result, safe, constant
