export function exportPdf(report) {
  throw new Error("Not implemented"); // expect: js.not-implemented-stub
}

export function parse(input) {
  if (!input) throw new Error("input is required"); // ok: js.not-implemented-stub
  return input.trim();
}
