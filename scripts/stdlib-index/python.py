"""Writes agate's index of the Python standard library: modules and the names each defines.

agate flags calls such as `os.path.joinpath` or `json.parse` (names the imported standard
module does not have). The index is the union of two sources, so code written for any
supported Python version passes:

- typeshed's standard-library stubs (all versions: `if sys.version_info >= …` branches are
  all taken), as bundled with mypy;
- the running interpreter's modules (`dir()` of each, including private helpers).

A namespace that defines a module-level `__getattr__` (names made up at run time) is marked
open and never flagged.

Usage (from the repository root):

    python3 -m venv /tmp/stdlib-venv && /tmp/stdlib-venv/bin/pip install mypy
    /tmp/stdlib-venv/bin/python scripts/stdlib-index/python.py \
        > crates/agate-deps/data/python-stdlib.txt

Output: one namespace per line, `name[*]: member member …`, sorted; `*` marks an open one.
"""

import ast
import contextlib
import importlib
import io
import pathlib
import pkgutil
import sys
import warnings

import mypy

TYPESHED = pathlib.Path(mypy.__file__).parent / "typeshed" / "stdlib"

OTHER_IMPLEMENTATIONS = {"sys": {"pypy_version_info", "pypy_translation_info"}}


def typeshed_modules():
    """Module name -> stub path, for every stub under typeshed's stdlib."""
    modules = {}
    for stub in TYPESHED.rglob("*.pyi"):
        parts = list(stub.relative_to(TYPESHED).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        if parts:
            modules[".".join(parts)] = stub
    return modules


def stub_names(module, path):
    """Names a stub defines at module level, in every version branch; and whether it has
    a module-level __getattr__."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    stars = []

    def visit(body):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    for sub in ast.walk(target):
                        if isinstance(sub, ast.Name):
                            names.add(sub.id)
            elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
                if isinstance(node.target, ast.Name):
                    names.add(node.target.id)
            elif isinstance(node, getattr(ast, "TypeAlias", ())):
                names.add(node.name.id)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    names.add((alias.asname or alias.name).split(".")[0])
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name == "*":
                        stars.append(absolute(module, node.level, node.module))
                    else:
                        names.add(alias.asname or alias.name)
            elif isinstance(node, ast.If):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)

    visit(tree.body)
    return names, "__getattr__" in names, stars


def absolute(module, level, name):
    """The absolute name of `from <level dots><name> import *` inside `module`."""
    if level == 0:
        return name
    package = module.split(".")
    # A package's own stub is its __init__: one dot means the package itself.
    base = package[: len(package) - level + 1] if module_is_package(module) else package[: len(package) - level]
    return ".".join(base + ([name] if name else []))


def module_is_package(module):
    return (TYPESHED / module.replace(".", "/") / "__init__.pyi").exists()


def runtime_names(name):
    """dir() of the module at run time, its submodules, and whether it is open; None when it
    does not import here (another platform, a removed module)."""
    try:
        # Some modules print when imported (`this` prints the Zen of Python): not into
        # the index.
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
            warnings.simplefilter("ignore")
            module = importlib.import_module(name)
    except BaseException:  # noqa: BLE001 - any import failure means "not here"
        return None
    names = set(dir(module))
    if hasattr(module, "__path__"):
        names.update(info.name for info in pkgutil.iter_modules(module.__path__))
    return names, "__getattr__" in vars(module)


def main():
    stubs = typeshed_modules()
    top = {name.split(".")[0] for name in stubs} | set(sys.stdlib_module_names)
    namespaces = {}
    stars = {}
    for name in sorted(set(stubs) | top):
        if name == "__main__" or name.startswith("_typeshed"):
            continue
        names, open_ = set(), False
        if name in stubs:
            stub, getattr_, star_sources = stub_names(name, stubs[name])
            names |= stub
            open_ |= getattr_
            stars[name] = star_sources
        found = runtime_names(name)
        if found is not None:
            names |= found[0]
            open_ |= found[1]
        elif name not in stubs:
            open_ = True
        namespaces[name] = (names, open_)
    # `from x import *` in a stub re-exports x's names: follow until nothing changes; a
    # source outside the index leaves the namespace open.
    changed = True
    while changed:
        changed = False
        for name, sources in stars.items():
            names, open_ = namespaces[name]
            for source in sources:
                if source not in namespaces:
                    if not open_:
                        namespaces[name] = (names, True)
                        open_ = True
                        changed = True
                    continue
                extra = {n for n in namespaces[source][0] if not n.startswith("_")} - names
                if extra:
                    names |= extra
                    changed = True
    # Submodules are members of their parents (`import xml` then `xml.etree`).
    for name in list(namespaces):
        if "." in name:
            parent, child = name.rsplit(".", 1)
            if parent in namespaces:
                namespaces[parent][0].add(child)
    # Members other Python implementations add, which portable code looks for: PyPy's
    # version and build information.
    for name, extra in OTHER_IMPLEMENTATIONS.items():
        namespaces[name][0].update(extra)
    # Attributes that are modules, like os.path, get their module's namespace.
    # os.path is posixpath or ntpath, depending on the platform: either one's names.
    os_path = set()
    for flavour in ("posixpath", "ntpath"):
        os_path |= namespaces.get(flavour, (set(), True))[0]
    namespaces["os.path"] = (os_path, False)
    out = sys.stdout
    out.write(
        "# Python standard library: namespace[*]: members. Generated by\n"
        "# scripts/stdlib-index/python.py from typeshed (mypy %s) and Python %s; do not edit.\n"
        % (mypy_version(), sys.version.split()[0])
    )
    for name in sorted(namespaces):
        names, open_ = namespaces[name]
        members = " ".join(sorted(n for n in names if n.isidentifier()))
        out.write("%s%s: %s\n" % (name, "*" if open_ else "", members))


def mypy_version():
    from mypy.version import __version__

    return __version__


if __name__ == "__main__":
    main()
