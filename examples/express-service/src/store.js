// The service's data. It stands in for a database server across the network: every query
// answers after one round trip of ROUND_TRIP_MS, as a real one would.
const ROUND_TRIP_MS = 5;

const products = [
  { id: 1, name: "desk lamp", price: 24.5 },
  { id: 2, name: "notebook", price: 3.2 },
  { id: 3, name: "fountain pen", price: 41 },
  { id: 4, name: "stapler", price: 12.75 },
  { id: 5, name: "paper clips", price: 1.9 },
];

const users = [];
const orders = [];
for (let id = 1; id <= 20; id += 1) {
  users.push({ id, name: `user ${id}`, email: `user${id}@example.com` });
  for (let n = 0; n < 30; n += 1) {
    orders.push({ id: id * 100 + n, userId: id, productId: (n % products.length) + 1, quantity: (n % 3) + 1 });
  }
}

function roundTrip(value) {
  return new Promise((resolve) => setTimeout(() => resolve(value), ROUND_TRIP_MS));
}

async function findUser(id) {
  return roundTrip(users.find((user) => user.id === id));
}

async function findOrders(userId) {
  return roundTrip(orders.filter((order) => order.userId === userId));
}

async function findProduct(id) {
  return roundTrip(products.find((product) => product.id === id));
}

async function findProducts(ids) {
  return roundTrip(products.filter((product) => ids.includes(product.id)));
}

module.exports = { findUser, findOrders, findProduct, findProducts };
