import jwt


def current_user(token, key):
    claims = jwt.decode(token, options={"verify_signature": False})  # expect: py.jwt-verification-disabled
    legacy = jwt.decode(token, key, verify=False)  # expect: py.jwt-verification-disabled
    good = jwt.decode(token, key, algorithms=["HS256"])  # ok: py.jwt-verification-disabled
    return claims, legacy, good
