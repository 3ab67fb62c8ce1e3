import { describe, expect, it } from 'vitest';
import { naturalCaseName } from './names.ts';

describe('naturalCaseName', () => {
	it('turns a bank’s capitals into a name as people write it', () => {
		expect(naturalCaseName('OYVIND BERG')).toBe('Oyvind Berg');
		expect(naturalCaseName('ØYVIND  BERG')).toBe('Øyvind Berg');
		expect(naturalCaseName('AHMAD ZIA POPAL')).toBe('Ahmad Zia Popal');
		expect(naturalCaseName('ANNE-MARIE O’NEILL')).toBe('Anne-Marie O’Neill');
		expect(naturalCaseName('ingrid van der berg')).toBe('Ingrid van der Berg');
	});

	it('leaves a name with both capitals and small letters, and names without letters, alone', () => {
		expect(naturalCaseName('Laila McKay')).toBe('Laila McKay');
		expect(naturalCaseName('لیلا احمدی')).toBe('لیلا احمدی');
		expect(naturalCaseName('')).toBe('');
	});
});
