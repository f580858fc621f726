// Errors that need the clinician to do something: kept in the study list (lib/studies/AlertList.svelte) until
// dismissed, never in a toast that goes away on its own. The same error again counts up instead of piling up.
export interface Alert {
  id: number;
  title: string;
  detail?: string;
  /** The study it concerns, when it concerns one: its row in the list is marked too. */
  studyInstanceUid?: string;
  /** How many times it happened since it was last dismissed. */
  count: number;
}

let nextId = 1;

class Alerts {
  items = $state<Alert[]>([]);

  add(title: string, detail?: string, studyInstanceUid?: string): void {
    const same = this.items.find((a) => a.title === title && a.detail === detail && a.studyInstanceUid === studyInstanceUid);
    if (same) {
      // Newest on top: the repeated one moves up with its count.
      this.items = [{ ...same, count: same.count + 1 }, ...this.items.filter((a) => a !== same)];
      return;
    }
    this.items = [{ id: nextId++, title, detail, studyInstanceUid, count: 1 }, ...this.items];
  }

  dismiss(id: number): void {
    this.items = this.items.filter((a) => a.id !== id);
  }

  /** A study left the list: what concerned only it goes too. */
  forgetStudy(studyInstanceUid: string): void {
    this.items = this.items.filter((a) => a.studyInstanceUid !== studyInstanceUid);
  }

  of(studyInstanceUid: string): Alert[] {
    return this.items.filter((a) => a.studyInstanceUid === studyInstanceUid);
  }
}

export const alerts = new Alerts();
