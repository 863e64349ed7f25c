import logging

logger = logging.getLogger(__name__)


def login(username, password, token):
    print(f"login {username} with {password}")  # expect: py.logging-sensitive-data
    logger.debug("issued token %s", token)  # expect: py.logging-sensitive-data
    logger.info("user %s logged in", username)  # ok: py.logging-sensitive-data
    logger.warning("invalid password for %s", username)  # ok: py.logging-sensitive-data
    print(token.tok_name[kind], os.getcwd())  # ok: py.logging-sensitive-data
    logger.info("token present: %s, length %d", bool(token), len(password))  # ok: py.logging-sensitive-data
