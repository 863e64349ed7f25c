# agate's function-contract harness for Python (embedded in agate; written to a temporary
# folder for each run). Protocol: JSON lines. argv: mode (call|inspect), project root,
# module, function, memory limit in bytes (0: none).
# First line out: {"ready": true} | {"fatal": "ImportError", "message": "..."}
# then per request {"id": n, "args": {...}}:
#   {"id": n, "ok": value} | {"id": n, "raised": "ValueError", "message": "..."}
#   | {"id": n, "unserialisable": "type name", "message": "..."}
import asyncio
import inspect
import json
import os
import sys
import types
import typing

MESSAGE_LIMIT = 2000


def main():
    mode, root, module_name, function_name, memory = sys.argv[1:6]
    # The protocol keeps the real standard output; the function's prints (Python's and
    # those of C extensions, through file descriptor 1) go to standard error.
    protocol = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    # Requests come on the real standard input; the function reads an empty one.
    requests = os.fdopen(os.dup(0), "r", encoding="utf-8")
    empty = os.open(os.devnull, os.O_RDONLY)
    os.dup2(empty, 0)
    sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - for the process's life
    sys.path.insert(0, root)

    def send(message):
        protocol.write(json.dumps(message, allow_nan=False) + "\n")
        protocol.flush()

    if int(memory) > 0:
        try:
            import resource

            resource.setrlimit(resource.RLIMIT_AS, (int(memory), int(memory)))
        except (ImportError, ValueError, OSError) as error:
            send({"fatal": "MemoryLimit", "message": str(error)[:MESSAGE_LIMIT]})
            return
    try:
        import importlib

        module = importlib.import_module(module_name)
        function = module
        for part in function_name.split("."):
            function = getattr(function, part)
        if not callable(function):
            raise TypeError(f"`{function_name}` is not callable")
    except BaseException as error:  # noqa: BLE001 - any failure to import is reported
        send({"fatal": type(error).__name__, "message": str(error)[:MESSAGE_LIMIT]})
        return
    if mode == "inspect":
        send(describe(function))
        return
    send({"ready": True})
    for line in requests:
        request = json.loads(line)
        send(call(function, request["id"], request["args"]))


def call(function, number, args):
    try:
        result = function(**args)
        if inspect.isawaitable(result):
            result = asyncio.run(_awaited(result))
    except Exception as error:  # noqa: BLE001 - every exception is the function's outcome
        return {"id": number, "raised": type(error).__name__, "message": str(error)[:MESSAGE_LIMIT]}
    try:
        json.dumps(result, allow_nan=False)
    except (TypeError, ValueError, RecursionError) as error:
        return {
            "id": number,
            "unserialisable": type(result).__name__,
            "message": str(error)[:MESSAGE_LIMIT],
        }
    return {"id": number, "ok": result}


async def _awaited(awaitable):
    return await awaitable


def describe(function):
    """The function's parameters and return type as JSON Schemas."""
    signature = inspect.signature(function)
    try:
        hints = typing.get_type_hints(function)
    except Exception:  # noqa: BLE001 - unresolvable hints are unknown types
        hints = {}
    properties = {}
    required = []
    notes = []
    for name, parameter in signature.parameters.items():
        if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
            notes.append(f"`{name}` takes any number of arguments: not described")
            continue
        if parameter.kind == parameter.POSITIONAL_ONLY:
            notes.append(f"`{name}` is positional-only: agate passes arguments by name")
        schema = schema_of(hints[name]) if name in hints else {}
        if parameter.default is parameter.empty:
            required.append(name)
        else:
            try:
                json.dumps(parameter.default, allow_nan=False)
                schema = dict(schema, default=parameter.default)
            except (TypeError, ValueError):
                notes.append(f"the default of `{name}` is not JSON: left out")
        properties[name] = schema
    returns = schema_of(hints["return"]) if "return" in hints else {}
    return {
        "input": {
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": False,
        },
        "output": returns,
        "notes": notes,
    }


def schema_of(hint):
    """A JSON Schema for a type hint; `{}` (anything) for what JSON cannot say."""
    if hint is type(None) or hint is None:
        return {"type": "null"}
    if hint is bool:
        return {"type": "boolean"}
    if hint is int:
        return {"type": "integer"}
    if hint is float:
        return {"type": "number"}
    if hint is str:
        return {"type": "string"}
    origin = typing.get_origin(hint)
    arguments = typing.get_args(hint)
    if origin is typing.Union or (hasattr(types, "UnionType") and origin is types.UnionType):
        return {"anyOf": [schema_of(argument) for argument in arguments]}
    if origin is typing.Literal:
        return {"enum": [value for value in arguments if _is_json(value)]}
    if hint in (list, tuple, set, frozenset) or origin in (list, set, frozenset):
        schema = {"type": "array"}
        if arguments:
            schema["items"] = schema_of(arguments[0])
        return schema
    if origin is tuple:
        if len(arguments) == 2 and arguments[1] is Ellipsis:
            return {"type": "array", "items": schema_of(arguments[0])}
        return {
            "type": "array",
            "prefixItems": [schema_of(argument) for argument in arguments],
            "minItems": len(arguments),
            "maxItems": len(arguments),
        }
    if hint is dict or origin is dict:
        schema = {"type": "object"}
        if len(arguments) == 2:
            schema["additionalProperties"] = schema_of(arguments[1])
        return schema
    return {}


def _is_json(value):
    return value is None or isinstance(value, (bool, int, float, str))


main()
