"""Writes the popular-package lists agate's typosquat check compares names against.

Popularity here is "widely depended on": starting from seed packages that top the
registries' download rankings, the script follows each package's runtime dependencies
(latest release, from the registry's own JSON API) breadth-first, and keeps every package
reached within DEPTH steps. The result is a few thousand names that real projects install;
a name one character away from one of them, and not itself in the list, is suspicious.

Usage (from the repository root; needs network access to pypi.org and registry.npmjs.org):

    python3 scripts/popular-packages/generate.py pypi > crates/agate-deps/data/popular-pypi.txt
    python3 scripts/popular-packages/generate.py npm > crates/agate-deps/data/popular-npm.txt

Output: `<ecosystem> <name>` per line, sorted (the format of `deps.popular_packages`).
"""

import concurrent.futures
import json
import re
import sys
import urllib.error
import urllib.request

DEPTH = 6
LIMIT = 4000

PYPI_SEEDS = """
boto3 botocore urllib3 requests setuptools certifi charset-normalizer idna typing-extensions
python-dateutil packaging s3transfer six pyyaml numpy pip grpcio-status cryptography wheel
pydantic cffi attrs pycparser pandas importlib-metadata jmespath rsa pyasn1 protobuf click
platformdirs zipp markupsafe jinja2 pytz colorama awscli filelock virtualenv pluggy pytest
tomli wrapt aiohttp jsonschema psutil sqlalchemy pyjwt google-api-core googleapis-common-protos
scipy pillow requests-oauthlib oauthlib tqdm pyarrow isodate docutils fastapi starlette
uvicorn httpx httpcore anyio sniffio h11 flask werkzeug itsdangerous django gunicorn redis
celery kombu beautifulsoup4 soupsieve lxml openpyxl scikit-learn matplotlib seaborn tensorflow
torch transformers tokenizers huggingface-hub openai anthropic langchain tiktoken regex
black ruff mypy flake8 pylint isort coverage pytest-cov pytest-mock tox pre-commit
paramiko pymysql psycopg2 psycopg2-binary pymongo elasticsearch marshmallow alembic
python-dotenv rich typer tenacity cachetools google-auth google-cloud-storage azure-core
azure-storage-blob msal sentry-sdk websocket-client websockets pexpect greenlet gevent
networkx sympy opencv-python xlrd tabulate toml tomlkit pyparsing decorator simplejson
""".split()

NPM_SEEDS = """
lodash react react-dom express axios chalk commander debug tslib typescript moment uuid
semver yargs glob minimist fs-extra async request body-parser classnames prop-types
webpack babel-core @babel/core @babel/runtime eslint prettier jest mocha chai sinon
vue @angular/core rxjs zone.js next nuxt svelte vite rollup esbuild postcss autoprefixer
tailwindcss sass dotenv cors jsonwebtoken bcrypt bcryptjs mongoose mysql mysql2 pg redis
ioredis socket.io ws node-fetch cross-fetch cheerio puppeteer playwright inquirer ora
colors underscore bluebird q rimraf mkdirp readable-stream through2 core-js regenerator-runtime
dayjs date-fns luxon immer redux react-redux @reduxjs/toolkit styled-components @emotion/react
graphql apollo-server @apollo/client sequelize typeorm prisma @prisma/client knex joi yup zod
ajv winston pino morgan helmet passport multer nodemon concurrently cross-env husky lint-staged
webpack-cli babel-loader ts-node @types/node @types/react jquery bootstrap d3 three
chart.js handlebars ejs pug nunjucks marked highlight.js sharp jimp qs querystring
""".split()


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return json.load(response)
    except (urllib.error.URLError, TimeoutError, ValueError):
        return None


def pypi_dependencies(name):
    data = fetch(f"https://pypi.org/pypi/{name}/json")
    if data is None:
        return None
    names = []
    for requirement in data["info"].get("requires_dist") or []:
        if "extra ==" in requirement:
            continue
        match = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", requirement)
        if match:
            names.append(re.sub(r"[-_.]+", "-", match.group(0)).lower())
    return names


def npm_dependencies(name):
    data = fetch(f"https://registry.npmjs.org/{name.replace('/', '%2F')}/latest")
    if data is None:
        return None
    return list((data.get("dependencies") or {}).keys())


def crawl(seeds, dependencies):
    found = set()
    frontier = list(dict.fromkeys(seeds))
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        for _ in range(DEPTH):
            results = list(pool.map(dependencies, frontier))
            next_frontier = []
            for name, deps in zip(frontier, results):
                if deps is None:
                    continue  # does not exist (or failed): not popular
                found.add(name)
                next_frontier.extend(d for d in deps if d not in found)
            frontier = list(dict.fromkeys(n for n in next_frontier if n not in found))
            if len(found) >= LIMIT or not frontier:
                break
    return sorted(found)[:LIMIT]


def main():
    ecosystem = sys.argv[1] if len(sys.argv) > 1 else ""
    if ecosystem == "pypi":
        names, label = crawl([s.lower() for s in PYPI_SEEDS], pypi_dependencies), "PyPI"
    elif ecosystem == "npm":
        names, label = crawl(NPM_SEEDS, npm_dependencies), "npm"
    else:
        sys.exit("usage: generate.py pypi|npm")
    print(f"# Popular {label} packages: generated by scripts/popular-packages/generate.py; do not edit.")
    for name in names:
        print(f"{label} {name}")


if __name__ == "__main__":
    main()
