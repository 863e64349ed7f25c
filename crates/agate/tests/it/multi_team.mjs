// The dashboard of examples/multi-team in a headless Chromium: logs in with the admin
// token and prints, as JSON, the overview's pass-rate table (team, repository,
// environment) and its recent runs (repository, environment, verdict, policy).
//
//   node multi_team.mjs BASE_URL ADMIN_TOKEN
//
// Needs NODE_PATH to hold playwright-core and AGATE_TEST_CHROMIUM the browser.
import { launch, logIn } from "../../../agate-server/tests/browser.mjs";

const [base, token] = process.argv.slice(2);

// The rows of the table under the heading `title`, each as its cells' text.
async function table(page, title) {
  return page.$$eval("section", (sections, title) => {
    const section = sections.find((s) => s.querySelector("h2")?.textContent === title);
    if (!section) {
      return null;
    }
    return [...section.querySelectorAll("tr")]
      .filter((row) => row.querySelector("td"))
      .map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent.trim()));
  }, title);
}

const browser = await launch();
try {
  const page = await browser.newPage();
  await logIn(page, base, token);
  const passRate = await table(page, "Pass rate, last 30 days");
  const recent = await table(page, "Recent runs");
  console.log(JSON.stringify({
    pass_rate: passRate.map(([team, repository, environment]) => ({ team, repository, environment })),
    runs: recent.map(([, repository, , environment, verdict, , policy]) =>
      ({ repository, environment, verdict, policy })),
  }));
} finally {
  await browser.close();
}
