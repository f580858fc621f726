// Measurements per image (SOP Instance UID), in the report database (migration 6): each row holds its shape as JSON
// with the format version it was written in.
import { MEASUREMENT_FORMAT_VERSION, Measurement, MeasurementShape } from '../../app/domain/measurement';
import { AppError } from '../ipc/errors';
import type { Db } from './database';
import { guarded, transaction } from './guarded';

export class MeasurementNotFoundError extends AppError {
  readonly code = 'not-found' as const;
  override name = 'MeasurementNotFoundError';
}

/** An image carries at most this many measurements: enough for any reading, bounded against a runaway caller. */
export const MAX_MEASUREMENTS_PER_IMAGE = 200;

export class MeasurementLimitError extends AppError {
  readonly code = 'validation' as const;
  override name = 'MeasurementLimitError';
}

interface Row {
  id: number;
  sop_instance_uid: string;
  format_version: number;
  shape_json: string;
  created_at: string;
}

export class MeasurementStore {
  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The image's measurements, oldest first. A row that cannot be read (damaged, from a newer Radraft) is skipped. */
  list(sopInstanceUid: string): Measurement[] {
    const rows = guarded('The measurements could not be read', () =>
      this.db.prepare('SELECT * FROM measurements WHERE sop_instance_uid = ? ORDER BY id').all(sopInstanceUid) as Row[],
    );
    return rows.flatMap((row) => {
      const shape = row.format_version === MEASUREMENT_FORMAT_VERSION ? MeasurementShape.safeParse(parse(row.shape_json)) : null;
      return shape?.success ? [{ id: row.id, sopInstanceUid: row.sop_instance_uid, createdAt: row.created_at, shape: shape.data }] : [];
    });
  }

  add(sopInstanceUid: string, shape: MeasurementShape): Measurement {
    const clean = MeasurementShape.parse(shape);
    return transaction(this.db, 'The measurement could not be saved', () => {
      const { n } = this.db.prepare('SELECT COUNT(*) AS n FROM measurements WHERE sop_instance_uid = ?').get(sopInstanceUid) as { n: number };
      if (n >= MAX_MEASUREMENTS_PER_IMAGE) {
        throw new MeasurementLimitError(`This image already carries ${MAX_MEASUREMENTS_PER_IMAGE} measurements; delete some before adding more.`);
      }
      const createdAt = this.now().toISOString();
      const { lastInsertRowid } = this.db
        .prepare('INSERT INTO measurements (sop_instance_uid, format_version, shape_json, created_at) VALUES (?, ?, ?, ?)')
        .run(sopInstanceUid, MEASUREMENT_FORMAT_VERSION, JSON.stringify(clean), createdAt);
      return Measurement.parse({ id: Number(lastInsertRowid), sopInstanceUid, createdAt, shape: clean });
    });
  }

  delete(id: number): void {
    transaction(this.db, 'The measurement could not be deleted', () => {
      const { changes } = this.db.prepare('DELETE FROM measurements WHERE id = ?').run(id);
      if (changes === 0) throw new MeasurementNotFoundError('This measurement was already deleted.');
    });
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}
