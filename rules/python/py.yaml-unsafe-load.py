import yaml


def read_config(path, text):
    config = yaml.load(text)  # expect: py.yaml-unsafe-load
    other = yaml.load(text, Loader=yaml.Loader)  # expect: py.yaml-unsafe-load
    third = yaml.unsafe_load(text)  # expect: py.yaml-unsafe-load
    safe = yaml.safe_load(text)  # ok: py.yaml-unsafe-load
    also_safe = yaml.load(text, Loader=yaml.SafeLoader)  # ok: py.yaml-unsafe-load
    return config, other, third, safe, also_safe
