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


def dispatch(handler, request, log):
    error = None
    try:
        return handler(request)
    except:  # ok: py.bare-except
        error = request.failure()
        raise
    finally:
        log.info("handled %r (%r)", request, error)
