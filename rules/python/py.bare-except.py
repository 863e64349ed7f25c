def parse(value, log):
    try:
        return int(value)
    except:  # expect: py.bare-except
        log.warning("bad value %r", value)
        return 0
    try:
        return float(value)
    except (TypeError, ValueError):  # ok: py.bare-except
        return 0.0
