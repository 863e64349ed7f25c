// Starts the orders service on 127.0.0.1, port $PORT (3000 when unset).
const { app } = require("./src/app");

const port = Number(process.env.PORT || 3000);
app.listen(port, "127.0.0.1", () => {
  console.log(`orders service listening on http://127.0.0.1:${port}`);
});
