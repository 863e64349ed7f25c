import json


def load(path):
    try:
        with open(path) as handle:
            return json.load(handle)
    except Exception:  # expect: py.broad-except-swallowed
        pass
    try:
        return json.loads(path)
    except:  # expect: py.broad-except-swallowed
        ...
    try:
        return int(path)
    except ValueError:  # ok: py.broad-except-swallowed
        pass
    try:
        return float(path)
    except Exception as error:  # ok: py.broad-except-swallowed
        raise RuntimeError(f"cannot load {path}") from error


def settings_from(environ, parse):
    values = {}
    for name, raw in environ.items():
        try:
            values[name] = parse(raw)
        except Exception:  # ok: py.broad-except-swallowed
            # a value that does not parse is left out: defaults apply
            pass
        try:
            number = float(raw)
        except Exception:  # ok: py.broad-except-swallowed
            pass
        else:
            values[name + "_number"] = number
        try:
            values[name + "_upper"] = raw.upper()
        except Exception:  # expect: py.broad-except-swallowed
            # TODO: report this
            pass
    return values


class Handle:
    def __del__(self):
        try:
            self.release()
        except Exception:  # ok: py.broad-except-swallowed
            pass
