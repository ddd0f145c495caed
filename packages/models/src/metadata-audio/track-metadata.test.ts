import { describe, expect, it } from 'vitest';
import { toLabelledTrack } from './track-metadata.types';

describe('toLabelledTrack', () => {
  it('merges enrichment genres, related artists and a missing release year; unknown audio is NaN', () => {
    const t = toLabelledTrack({
      external_id: 'sp1',
      title: 'Song',
      popularity: 40,
      duration_s: 180,
      explicit: true,
      release_year: null,
      artists: ['A', 'B'],
      genres: ['pop'],
      audio: { energy: 0.7, tempo: null },
      enrichment: { artistGenres: ['pop', 'dance', 3], relatedArtists: ['C'], releaseYear: 2001 },
    });
    expect(t).toMatchObject({ id: 'sp1', name: 'Song', popularity: 40, durationMs: 180_000, explicit: true, releaseYear: 2001, artists: ['A', 'B'], genres: ['pop', 'dance'], relatedArtists: ['C'] });
    expect(t.audio['energy']).toBe(0.7);
    expect(t.audio['tempo']).toBeNaN();
  });

  it('keeps the catalogue release year over the enrichment one and needs no enrichment', () => {
    const t = toLabelledTrack({ external_id: 'x', title: null, popularity: null, duration_s: null, explicit: null, release_year: 1999, artists: [], genres: [], audio: {}, enrichment: { releaseYear: 2005 } });
    expect(t.releaseYear).toBe(1999);
    expect(toLabelledTrack({ ...{ external_id: 'y', title: null, popularity: null, duration_s: null, explicit: null, release_year: null, artists: [], genres: [], audio: {} }, enrichment: null })).toMatchObject({ releaseYear: null, relatedArtists: [], durationMs: null });
  });
});
