/** Unit tests run in parallel with no services; e2e tests run in band against real NATS + PostgreSQL. */
const transform = { "^.+\\.(t|j)sx?$": ["@swc/jest", { jsc: { target: "es2022" } }] };
module.exports = {
  projects: [
    { displayName: "unit", testEnvironment: "node", transform, testMatch: ["<rootDir>/{lib,kit,domain,services,adapters,contracts,store,bin}/**/*.test.ts", "<rootDir>/console/*.test.ts"] },
    { displayName: "e2e", testEnvironment: "node", transform, testMatch: ["<rootDir>/test/**/*.e2e.test.ts"], testTimeout: 120000 },
  ],
};
