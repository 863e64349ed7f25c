import logging

logger = logging.getLogger(__name__)


def save(record, db):
    try:
        db.insert(record)
    except Exception as error:  # expect: py.except-only-logs
        logger.error("insert failed: %s", error)
    try:
        db.commit()
    except Exception as error:  # expect: py.except-only-logs
        print(f"commit failed: {error}")
    try:
        db.flush()
    except Exception:  # ok: py.except-only-logs
        logger.exception("flush failed")
        raise
    try:
        db.close()
    except OSError as error:  # ok: py.except-only-logs
        logger.warning("close failed: %s", error)
