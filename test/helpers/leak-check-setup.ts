import { currentSecrets, findLeaks, recordedResponses } from './leak-check';

// setupFilesAfterEnv of the server and e2e projects: after every test file, no response the
// helpers received may hold a secret (see leak-check.ts).
afterAll(() => {
  const leaks = findLeaks(recordedResponses(), currentSecrets());
  if (leaks.length > 0) {
    const first = leaks[0]!;
    throw new Error(
      `${leaks.length} response(s) leaked a secret (${first.leaked === 'from ip' ? 'from ip' : 'a secret'}); first:\n${first.response.replace(first.leaked, '<<LEAKED>>')}`,
    );
  }
});
