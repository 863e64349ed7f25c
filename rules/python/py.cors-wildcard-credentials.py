from fastapi.middleware.cors import CORSMiddleware
from flask_cors import CORS


def setup(app, api):
    CORS(app, supports_credentials=True)  # expect: py.cors-wildcard-credentials
    api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=True)  # expect: py.cors-wildcard-credentials
    CORS(app, origins=["https://app.example.com"], supports_credentials=True)  # ok: py.cors-wildcard-credentials
    api.add_middleware(CORSMiddleware, allow_origins=["*"], allow_credentials=False)  # ok: py.cors-wildcard-credentials
