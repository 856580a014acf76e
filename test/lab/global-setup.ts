// Replaced by the lab: starts the real servers on loopback before the tests and stops them after.
export default async function setup(): Promise<() => Promise<void>> {
  return async () => {};
}
