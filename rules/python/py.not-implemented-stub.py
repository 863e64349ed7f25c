import abc


class PaymentService:
    def capture(self, payment):
        raise NotImplementedError("capture is not implemented yet")  # expect: py.not-implemented-stub


def export_pdf(report):
    raise NotImplementedError  # expect: py.not-implemented-stub


def export_csv(report):
    raise NotImplementedError("TODO: write the CSV exporter")  # expect: py.not-implemented-stub


def write_xml(document):
    raise NotImplementedError("haven't written this yet")  # expect: py.not-implemented-stub


def split_pattern(pattern):
    raise NotImplementedError("Awaiting Implementation")  # expect: py.not-implemented-stub


def prepare_body(data, files):
    if data and files:
        raise NotImplementedError("Streamed bodies and files are mutually exclusive.")  # ok: py.not-implemented-stub
    return data or files


class Storage(abc.ABC):
    @abc.abstractmethod
    def put(self, key, value):
        raise NotImplementedError  # ok: py.not-implemented-stub


class BaseHandler:
    def handle(self, request):
        raise NotImplementedError  # ok: py.not-implemented-stub
