/**
 * A synthetic national directory for tests, demos and benchmarks: regions, trusts with sites and
 * departments, GP practices and pharmacies (with national codes), and staff with realistic names,
 * roles and specialties. Deterministic for a given seed. Produces the CSV that
 * `wardpost directory import` reads.
 */
import { seededRandom as rng } from '../util/seeded-random.js';

const GIVEN = 'Oliver Amelia George Isla Harry Ava Noah Mia Jack Ivy Charlie Lily Leo Sophia Jacob Grace Freddie Freya Alfie Emily Oscar Ella Arthur Evie Thomas Florence Archie Poppy Henry Willow William Rosie Joshua Sienna James Isabella Theo Daisy Max Elsie Mohammed Aisha Muhammad Fatima Ahmed Zara Ali Maryam Omar Hannah Ibrahim Priya Arjun Ananya Rohan Kavya Sanjay Deepa Wei Mei Chen Lin Kwame Ama Kofi Abena Chinedu Ngozi Tunde Funmi Sean Siobhan Ciaran Niamh Rhys Cerys Dylan Megan Callum Eilidh Fraser Iona Ewan Kirsty David Sarah John Catherine Michael Elizabeth Peter Margaret Paul Helen Andrew Claire Robert Rachel Richard Louise Stephen Joanne Mark Nicola Christopher Emma Daniel Laura Matthew Rebecca Anthony Victoria Simon Jennifer Jonathan Alison Ian Karen Kevin Julie Gareth Sian Neil Fiona Stuart Lorna Graham Wendy'.split(' ');
const FAMILY = "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson Evans Walker White Roberts Green Hall Wood Jackson Clarke Patel Khan Lewis James Phillips Mason Mitchell Rose Davis Rodriguez Cox Alexander Morris Turner Harris Cooper Ward King Baker Hughes Edwards Hill Moore Clark Harrison Scott Young Morgan Martin Allen Bell Anderson Carter Murphy Kelly Price Bennett Gray Shaw Lee Wang Chen Singh Kaur Ahmed Ali Hussain Begum Rahman Shah Akhtar Iqbal Okafor Adeyemi Mensah Owusu Boateng O'Brien O'Connor MacDonald Campbell Stewart Robertson Reid Murray Fraser Ross Watson Paterson Henderson Macleod McKenzie Griffiths Lloyd Morgan-Jones Rees Jenkins Powell Owen Pritchard Vaughan Llewellyn Fitzgerald Doherty Gallagher Byrne Walsh Nowak Kowalski Wisniewski Silva Santos Pereira Ferreira Costa Novak Horvat Popescu Ionescu Papadopoulos Georgiou Nguyen Tran Kim Park Sato Tanaka Hernandez Lopez Gonzalez Martinez Fernandez Rossi Russo Bianchi Romano Schmidt Muller Schneider Fischer Weber Becker Hoffmann Dubois Lambert Moreau Laurent Jansen Visser Bakker Smit Andersson Johansson Nielsen Hansen Larsen Berg Haugen Lindqvist Eriksson Hamilton Graham Sinclair Armstrong Cunningham Fletcher Holmes Barker Chapman Marshall Dixon Hunt Palmer Mills Holland Payne Pearce Lawrence Ellis Hudson Knight Spencer Webb Tucker Simpson Richards Stevens Russell Hart Wells Chambers Dawson Fox Warren Burton Lowe Gibson Ford Cole Harvey Sutton Sharp Frost Booth Watts Bird Reynolds Gardner Francis Bailey Newton Hayes Lamb Nash Hicks Day Parsons Jordan".split(' ');
const REGIONS = ['North East and Yorkshire', 'North West', 'Midlands', 'East of England', 'London', 'South East', 'South West'];
const TOWNS = 'Leeds Sheffield Newcastle Sunderland Durham York Hull Bradford Manchester Liverpool Preston Lancaster Bolton Wigan Chester Birmingham Coventry Leicester Nottingham Derby Stoke Wolverhampton Lincoln Norwich Cambridge Ipswich Peterborough Luton Colchester Chelmsford Camden Hackney Lambeth Croydon Barnet Ealing Brighton Oxford Reading Southampton Portsmouth Canterbury Guildford Bristol Exeter Plymouth Bath Gloucester Truro Taunton Swindon Bournemouth'.split(' ');
const SITE_KINDS = ['General Hospital', 'Royal Infirmary', 'Community Hospital', 'Children\'s Hospital', 'Eye Hospital'];
const DEPARTMENTS = ['Emergency Department', 'Cardiology', 'Oncology', 'Paediatrics', 'Maternity', 'Radiology', 'Pharmacy', 'Orthopaedics', 'Respiratory Medicine', 'Renal', 'Neurology', 'Acute Medical Unit', 'Theatres', 'Intensive Care', 'Outpatients'];
const HOSPITAL_ROLES: [string, string | null][] = [
  ['Consultant', 'Cardiology'], ['Consultant', 'Oncology'], ['Consultant', 'Paediatrics'], ['Consultant', 'Anaesthetics'], ['Consultant', 'Emergency Medicine'],
  ['Consultant', 'Neurology'], ['Consultant', 'Radiology'], ['Registrar', 'General Surgery'], ['Registrar', 'Respiratory Medicine'], ['Foundation Doctor', null],
  ['Staff Nurse', null], ['Staff Nurse', null], ['Staff Nurse', null], ['Ward Sister', null], ['Charge Nurse', null], ['Healthcare Assistant', null],
  ['Healthcare Assistant', null], ['Midwife', 'Obstetrics'], ['Physiotherapist', null], ['Occupational Therapist', null], ['Radiographer', 'Radiology'],
  ['Pharmacist', 'Pharmacy'], ['Dietitian', null], ['Porter', null], ['Ward Clerk', null], ['Medical Secretary', null], ['Paramedic', 'Emergency Medicine'],
];
const PRACTICE_ROLES: [string, string | null][] = [['GP Partner', 'General Practice'], ['Salaried GP', 'General Practice'], ['Practice Nurse', null], ['Practice Manager', null], ['Receptionist', null], ['Healthcare Assistant', null]];
const PHARMACY_ROLES: [string, string | null][] = [['Pharmacist', 'Community Pharmacy'], ['Pharmacy Technician', null], ['Dispenser', null]];


export const CSV_HEADER = 'key,kind,given_name,family_name,display_name,job_title,role,specialty,department,organisation,site,address,phone_desk,phone_mobile,phone_pager,email,registration,national_code,visibility,parent,org_kind';

function csv(values: (string | null | undefined)[]): string {
  return values.map((v) => (v == null ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',');
}

export interface SyntheticOptions {
  people: number;
  seed?: number;
  /** Trusts per region (default scales with people, at least 1). */
  trustsPerRegion?: number;
}

/** Yields CSV lines (header first): organisations parent-first, then people. */
export function* syntheticDirectory(opts: SyntheticOptions): Generator<string> {
  const r = rng(opts.seed ?? 42);
  const pick = <T>(a: readonly T[]) => a[Math.floor(r() * a.length)]!;
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(r() * 10)).join('');
  yield CSV_HEADER;
  const perRegion = opts.trustsPerRegion ?? Math.max(1, Math.min(30, Math.round(opts.people / 40_000)));
  type Unit = { slug: string; roles: [string, string | null][]; site: string | null; dept: string | null; domain: string };
  const units: Unit[] = [];
  let code = 0;
  for (const [ri, region] of REGIONS.entries()) {
    const rslug = `region-${ri + 1}`;
    yield csv([rslug, 'organisation', '', '', `NHS ${region}`, '', '', '', '', '', '', '', '', '', '', '', '', `Y${60 + ri}`, 'national', '', 'region']);
    for (let t = 0; t < perRegion; t++) {
      const town = TOWNS[(ri * 7 + t) % TOWNS.length]!;
      const tslug = `${town.toLowerCase()}-trust-${ri + 1}-${t + 1}`;
      const tcode = `R${(++code).toString(36).toUpperCase().padStart(3, '0')}`;
      yield csv([tslug, 'organisation', '', '', `${town} Teaching Hospitals NHS Trust ${t + 1}`, '', '', '', '', '', '', `${town}`, `0${digits(3)} ${digits(3)} ${digits(4)}`, '', '', '', '', tcode, 'national', rslug, 'trust']);
      for (let s = 0; s < 2; s++) {
        const sname = `${town} ${SITE_KINDS[(t + s) % SITE_KINDS.length]}`;
        const sslug = `${tslug}-site-${s + 1}`;
        yield csv([sslug, 'site', '', '', sname, '', '', '', '', '', '', `${sname}, ${town}`, '', '', '', '', '', `${tcode}${s + 1}`, 'national', tslug, 'site']);
        for (const dept of DEPARTMENTS.slice(0, 4)) units.push({ slug: sslug, roles: HOSPITAL_ROLES, site: sname, dept, domain: `${town.toLowerCase()}${t + 1}.nhs.example` });
      }
      for (let p = 0; p < 4; p++) {
        const pslug = `${tslug}-practice-${p + 1}`;
        yield csv([pslug, 'organisation', '', '', `${pick(['The', 'Park', 'High Street', 'Riverside', 'Church Lane', 'Market'])} ${town} Surgery ${p + 1}`, '', '', '', '', '', '', town, `0${digits(3)} ${digits(3)} ${digits(4)}`, '', '', '', '', `${String.fromCharCode(65 + (code % 26))}${digits(5)}`, 'national', rslug, 'practice']);
        units.push({ slug: pslug, roles: PRACTICE_ROLES, site: null, dept: null, domain: `gp${p + 1}.${town.toLowerCase()}.nhs.example` });
      }
      const phslug = `${tslug}-pharmacy`;
      yield csv([phslug, 'organisation', '', '', `${town} Community Pharmacy ${t + 1}`, '', '', '', '', '', '', town, '', '', '', '', '', `F${digits(4)}`, 'national', rslug, 'pharmacy']);
      units.push({ slug: phslug, roles: PHARMACY_ROLES, site: null, dept: null, domain: `pharmacy.${town.toLowerCase()}.example` });
    }
  }
  for (let i = 0; i < opts.people; i++) {
    const u = units[Math.floor(r() * units.length)]!;
    const given = pick(GIVEN);
    const family = pick(FAMILY);
    const [title, specialty] = pick(u.roles);
    const dept = u.dept && specialty === null ? u.dept : (specialty ?? u.dept);
    const vis = r() < 0.02 ? 'hidden' : r() < 0.08 ? 'organisation' : 'national';
    const local = `${given}.${family}.${i}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
    const reg = /Consultant|Registrar|GP|Doctor/.test(title) ? `GMC${digits(7)}` : /Nurse|Midwife|Sister/.test(title) ? `NMC${digits(2)}${String.fromCharCode(65 + Math.floor(r() * 26))}${digits(4)}` : '';
    yield csv([
      `p${i}`, 'person', given, family, `${given} ${family}`, title, title, specialty, dept, u.slug, u.site, '',
      `0${digits(3)} ${digits(3)} ${digits(4)}`, r() < 0.5 ? `+447700${digits(6)}` : '', u.dept && r() < 0.3 ? digits(4) : '',
      `${local}@${u.domain}`, reg, '', vis, '', '',
    ]);
  }
}
