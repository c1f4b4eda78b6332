/**
 * routing — decides who owns a case. Owns no table: its data is the city folders in
 * `cities/` (units, category taxonomy, ordered rules), validated at start-up, so a city is
 * onboarded by editing data. The decision itself is the pure `decide()` in domain/routing.
 */
import type { Context, ServiceSchema, ServiceSettingSchema } from "moleculer";
import { loadCities, routeCase, findUnit, type CityData, type RoutingInput } from "../domain/routing";

interface Vars {
  cities: CityData[];
}
type This = Vars;

const RoutingService: ServiceSchema<ServiceSettingSchema, Record<string, never>, Vars> = {
  name: "routing",

  actions: {
    /** → { decision, categoryCode, districtCode }: the owner (with the rule and a reason) or why none. */
    decide: {
      handler(this: This, ctx: Context<{ input: RoutingInput; exclude?: string[] }>) {
        return routeCase(ctx.params.input, this.cities, ctx.params.exclude ?? []);
      },
    },

    /** One unit by id (for manual assignment), or null. */
    unit: {
      handler(this: This, ctx: Context<{ unitId: string }>) {
        const found = findUnit(ctx.params.unitId, this.cities);
        return found ? { unitId: found.unit.id, unitName: found.unit.name } : null;
      },
    },

    /** Every unit of every city (agents pick from it when assigning). */
    units: {
      handler(this: This) {
        return {
          items: this.cities.flatMap((c) =>
            c.units.map((u) => ({
              unitId: u.id,
              unitName: u.name,
              kind: u.kind,
              cityCode: c.city.code,
              cityName: c.city.name,
              districtCode: u.districtCode ?? null,
              districtName: u.districtCode ? (c.city.districtCodes[u.districtCode] ?? null) : null,
              streetName: u.kind === "street" ? u.streetName : null,
            })),
          ),
        };
      },
    },
  },

  created(this: This) {
    this.cities = loadCities();
  },
};

export default RoutingService;
