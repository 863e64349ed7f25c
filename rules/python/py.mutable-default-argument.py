def add_item(item, items=[]):  # expect: py.mutable-default-argument
    items.append(item)
    return items


def merge(extra, base: dict = {}):  # expect: py.mutable-default-argument
    return {**base, **extra}


def tags(name, seen=None, limit=10, label="x", pair=(1, 2)):  # ok: py.mutable-default-argument
    return name, seen, limit, label, pair
