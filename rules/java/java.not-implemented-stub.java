import java.io.*;
import java.util.*;


class ReportService {
    byte[] exportPdf(Object report) {
        throw new UnsupportedOperationException("Not implemented yet"); // expect: java.not-implemented-stub
    }

    List<String> names() {
        throw new UnsupportedOperationException("names are immutable"); // ok: java.not-implemented-stub
    }
}
