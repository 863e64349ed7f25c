import yaml


def read_config(path, text):
    config = yaml.load(text)  # expect: py.yaml-unsafe-load
    other = yaml.load(text, Loader=yaml.Loader)  # expect: py.yaml-unsafe-load
    third = yaml.unsafe_load(text)  # expect: py.yaml-unsafe-load
    full = yaml.full_load(text)  # expect: py.yaml-unsafe-load
    documents = list(yaml.load_all(text))  # expect: py.yaml-unsafe-load
    loader = yaml.load(text, Loader=yaml.CFullLoader)  # expect: py.yaml-unsafe-load
    # A positional loader, or one of the project's own, is left to a person.
    positional = yaml.load(text, yaml.Loader)  # expect: py.yaml-unsafe-load
    custom = yaml.load(text, Loader=ProjectLoader)  # expect: py.yaml-unsafe-load
    safe = yaml.safe_load(text)  # ok: py.yaml-unsafe-load
    also_safe = yaml.load(text, Loader=yaml.SafeLoader)  # ok: py.yaml-unsafe-load
    return config, other, third, full, documents, loader, positional, custom, safe, also_safe
