// Child process for the kill -9 test: saves a growing report as fast as an autosave would, and prints the
// revision of every save once report:save's store call has returned.
import { ReportStore } from '../../../main/storage/report-store';
import { emptySections } from '../../../app/domain/report';

const [dbPath, uid] = process.argv.slice(2);
const store = ReportStore.open(dbPath);
let revision = store.get(uid)?.revision ?? 0;
let text = '';
const tick = (): void => {
  text += `word${revision} `;
  const record = store.save(uid, { ...emptySections(), findings: text }, revision);
  revision = record.revision;
  process.stdout.write(`saved ${revision} ${text.length}\n`);
  setTimeout(tick, 2);
};
tick();
