/** Shared set-up of the windowing and join tests: a driver per test, closed after it. */
import { afterEach } from 'vitest';
import { type Topology, TopologyTestDriver } from '../../../../topology/index.js';

const drivers: TopologyTestDriver[] = [];

afterEach(async () => {
  for (const driver of drivers.splice(0)) await driver.close();
});

/** A test driver on `topology` with the wall clock at 0, closed after the test. */
export async function drive(
  topology: Topology,
  options: { commit?: 'eachInput' | 'manual' } = {},
): Promise<TopologyTestDriver> {
  const driver = await TopologyTestDriver.create(topology, {
    initialWallClockTimeMs: 0,
    applicationId: 'app',
    ...options,
  });
  drivers.push(driver);
  return driver;
}
