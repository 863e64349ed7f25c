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
