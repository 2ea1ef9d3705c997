// What calling `f` gives, as JSON can carry it: its result as a string, or what it threw.
// Shared by check.mjs and check.cjs.
module.exports = function thrown(f) {
  try {
    return { returned: String(f()) };
  } catch (e) {
    return { name: e?.name, code: e?.code, isError: e instanceof Error, message: e?.message };
  }
};
