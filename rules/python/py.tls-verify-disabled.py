import httpx
import requests


def fetch(url):
    response = requests.get(url, verify=False, timeout=5)  # expect: py.tls-verify-disabled
    client = httpx.Client(verify=False)  # expect: py.tls-verify-disabled
    # Only the argument changes, never text that looks like it.
    text = requests.get(url, params="verify=False", verify=False)  # expect: py.tls-verify-disabled
    good = requests.get(url, timeout=5)  # ok: py.tls-verify-disabled
    pinned = requests.get(url, verify="/etc/ssl/ca.pem")  # ok: py.tls-verify-disabled
    return response, client, text, good, pinned
