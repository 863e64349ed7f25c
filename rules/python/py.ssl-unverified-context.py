import ssl


def context():
    ctx = ssl._create_unverified_context()  # expect: py.ssl-unverified-context
    ctx.check_hostname = False  # expect: py.ssl-unverified-context
    ctx.verify_mode = ssl.CERT_NONE  # expect: py.ssl-unverified-context
    good = ssl.create_default_context()  # ok: py.ssl-unverified-context
    good.verify_mode = ssl.CERT_REQUIRED  # ok: py.ssl-unverified-context
    return ctx, good
