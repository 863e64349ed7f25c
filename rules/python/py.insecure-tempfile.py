import tempfile


def export(rows):
    path = tempfile.mktemp(suffix=".csv")  # expect: py.insecure-tempfile
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False) as handle:  # ok: py.insecure-tempfile
        handle.write(str(rows))
    fd, other = tempfile.mkstemp()  # ok: py.insecure-tempfile
    return path, handle.name, fd, other
