// Names for made-up supporters, shared by `npm run demo` (scripts/demo.ts) and the admin
// benchmark's seed (bench/admin-seed.ts): people as Dawat's readers are, in Norway and Afghanistan.

export const norwegianFirst = [
	'Ola',
	'Kari',
	'Ingrid',
	'Lars',
	'Nora',
	'Emma',
	'Jakob',
	'Sofie',
	'Henrik',
	'Marte',
	'Øystein',
	'Åse',
	'Bjørn',
	'Solveig',
	'Håkon',
	'Sigrid',
	'Tore',
	'Ragnhild',
	'Eirik',
	'Live'
];

export const norwegianLast = [
	'Hansen',
	'Johansen',
	'Olsen',
	'Larsen',
	'Andersen',
	'Pedersen',
	'Nilsen',
	'Kristiansen',
	'Berg',
	'Haugen',
	'Hagen',
	'Bakke',
	'Søberg',
	'Løken',
	'Aasen',
	'Strand',
	'Dahl',
	'Lie'
];

export const afghanFirst = [
	'Ahmad',
	'Mohammad',
	'Fatima',
	'Zahra',
	'Mariam',
	'Hamid',
	'Farid',
	'Nasrin',
	'Laila',
	'Shabnam',
	'Wahid',
	'Karim',
	'Sultana',
	'Omid',
	'Parwana',
	'Gulalai',
	'Nilofar',
	'Habib',
	'Soraya',
	'Rahmatullah'
];

export const afghanLast = [
	'Ahmadi',
	'Karimi',
	'Rahimi',
	'Hakimi',
	'Noori',
	'Sadat',
	'Popal',
	'Durrani',
	'Yusufzai',
	'Stanekzai',
	'Safi',
	'Wardak',
	'Haidari',
	'Mohammadi',
	'Azizi'
];
