async function save(record) {
  try {
    await db.insert(record);
  } catch (e) {} // expect: js.empty-catch
  try {
    await db.commit();
  } catch {} // expect: js.empty-catch
  try {
    await cache.del(record.id);
  } catch (e) { // ok: js.empty-catch
    // cache eviction is best effort; the TTL cleans up
  }
  try {
    await db.close();
  } catch (error) { // ok: js.empty-catch
    throw new Error(`close failed: ${error.message}`);
  }
}

const nativeKeys = (function () {
  try {
    const probe = Object.keys({ a: 1 });
    return probe.length === 1 ? Object.keys : null;
  } catch (e) {} // ok: js.empty-catch
})();

function release(handle) {
  try {
    handle.flush();
  } finally {
    try {
      handle.close();
    } catch (e) {} // ok: js.empty-catch
  }
}

function remember(store, value) {
  try {
    store.save(value);
  } catch (e) {} // expect: js.empty-catch
  return value;
}
