// Tests never read a developer's own settings: each suite gets its own database and ports from the
// harness. DATABASE_URL (when set, e.g. by CI to a MariaDB database) is kept so the suites run there too.
process.env.NODE_ENV = 'test';
