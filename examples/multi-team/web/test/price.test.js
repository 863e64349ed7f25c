import { strict as assert } from "node:assert";
import { test } from "node:test";

import { formatPrice } from "../dist/price.js";

test("cents are shown as dollars", () => {
  assert.equal(formatPrice(1234), "$12.34");
  assert.equal(formatPrice(5), "$0.05");
});

test("a fraction of a cent is refused", () => {
  assert.throws(() => formatPrice(1.5), RangeError);
});
