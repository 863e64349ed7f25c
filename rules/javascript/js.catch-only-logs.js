async function charge(order) {
  try {
    await payments.capture(order.id);
  } catch (error) { // expect: js.catch-only-logs
    console.error("capture failed", error);
  }
  try {
    await mailer.send(order.receipt);
  } catch (error) { // ok: js.catch-only-logs
    logger.warn("receipt failed", error);
    throw error;
  }
}
